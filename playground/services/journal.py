"""The recovery journal, wired to the runs of the open session (RELIABILITY.md §4.3, F9).

`SessionJournal` is the `RunObserver` that `Services.new_run` hands to every `LiveRun`: a run
that starts, its partial text about once a second while it streams, and the run when it ends
all go to ``$STATE/recovery/<session-id>.jsonl`` through `store.recovery.RecoveryJournal`.
So do the session's settings and conversation whenever they change.

Writes happen on one daemon thread, in order. Each journal line is fsynced, and an fsync can
take tens of milliseconds on a busy disk: on the event loop that would stall the stream being
painted. The loop only captures immutable values (the `Session`, the `Run`, the text so far)
and puts a closure on a queue, which costs microseconds. A write that fails (disk full, a
read-only folder) never raises into the app: `last_error` says what happened.

The journal is deleted after an explicit save (`saved`) and on a clean quit (`discard`); a
crash or ``kill -9`` leaves it for `store.recovery.pending` to offer on the next start.
"""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from playground.core.run import Run
from playground.core.session import Session
from playground.store.paths import Paths
from playground.store.recovery import PROGRESS_INTERVAL_S, RecoveryJournal

if TYPE_CHECKING:
    from playground.services.runs import LiveRun

CLOSE_TIMEOUT_S = 5.0
"""How long closing waits for queued writes before giving up on them."""

_Job = Callable[[], None]


class SessionJournal:
    """Journals one session at a time; a `RunObserver`.

    Args:
        paths: The app's folders (the journal lives under ``paths.recovery``).
        session: Gives the session being worked on, when a run starts (its settings and
            conversation are journaled before the first run, so a recovery can rebuild it).
        threaded: Write on a background thread (the app); False writes at once (tests).
        interval_s: Minimum time between two partial-text writes of one run.
    """

    def __init__(
        self,
        paths: Paths,
        session: Callable[[], Session | None],
        *,
        threaded: bool = True,
        interval_s: float = PROGRESS_INTERVAL_S,
    ) -> None:
        self._paths = paths
        self._source = session
        self._threaded = threaded
        self._interval_s = interval_s
        self._journal: RecoveryJournal | None = None
        """Only the writer thread touches it (or the caller, when not threaded)."""
        self._session_id: str | None = None
        self._saved_to: Path | None = None
        self._session_written = False
        self._queue: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._pending = 0
        self._idle = threading.Condition()
        self.last_error: str | None = None
        """The last write failure, as a sentence (None while all is well)."""
        self.writes = 0
        """Journal operations carried out (for tests and the benchmark)."""

    # -- the session ---------------------------------------------------------------------------

    @property
    def session_id(self) -> str | None:
        return self._session_id

    @property
    def path(self) -> Path | None:
        """The journal file of the current session (it may not exist yet)."""
        journal = self._journal
        return journal.path if journal is not None else None

    def begin(self, session: Session, *, saved_to: Path | None = None) -> None:
        """Journal `session` from now on (a new, opened or restored one). The previous
        session's journal is closed, not deleted: call `discard` first when it was saved or
        thrown away. A restored session continues the journal it was recovered from."""
        self._session_id = session.id
        self._saved_to = saved_to
        self._session_written = False
        paths = self._paths
        interval = self._interval_s

        def job() -> None:
            if self._journal is not None:
                self._journal.close()
            self._journal = RecoveryJournal(paths, session.id, interval_s=interval)

        self._submit(job)

    def session_changed(self, session: Session) -> None:
        """The settings or the conversation changed (`SessionState`'s ``on_change``)."""
        if session.id != self._session_id:
            return
        self._record_session(session)

    def saved(self, session: Session, path: Path) -> None:
        """The session was saved to `path`: the journal goes; later work starts a new one
        that knows where the saved runs are."""
        if session.id != self._session_id:
            return
        self._saved_to = path
        self._session_written = False
        self._submit(self._delete)

    def discard(self) -> None:
        """Delete the journal: the user quit cleanly or threw the work away."""
        self._session_written = False
        self._submit(self._delete)

    def _delete(self) -> None:
        if self._journal is not None:
            self._journal.discard()

    def _record_session(self, session: Session) -> None:
        saved_to = self._saved_to
        self._session_written = True
        bare = replace(session, runs=())  # runs are journaled one by one
        self._submit(lambda: self._write(lambda j: j.record_session(bare, saved_to=saved_to)))

    def _ensure_session_line(self) -> None:
        if self._session_written:
            return
        session = self._source()
        if session is not None and session.id == self._session_id:
            self._record_session(session)

    # -- RunObserver ---------------------------------------------------------------------------

    def run_started(self, live: LiveRun) -> None:
        if self._session_id is None:
            return
        self._ensure_session_line()
        skeleton = live.builder.build()
        self._submit(lambda: self._write(lambda j: j.start_run(skeleton)))

    def run_progressed(self, live: LiveRun) -> None:
        if self._session_id is None:
            return
        builder = live.builder
        run_id, text, reasoning = builder.run_id, builder.text, builder.reasoning
        # LiveRun already calls this about once a second: write what it gives.
        self._submit(lambda: self._write(lambda j: j.progress(run_id, text, reasoning, force=True)))

    def run_ended(self, run: Run) -> None:
        if self._session_id is None:
            return
        self._ensure_session_line()
        self._submit(lambda: self._write(lambda j: j.finish_run(run)))

    # -- the writer ----------------------------------------------------------------------------

    def _write(self, action: Callable[[RecoveryJournal], bool]) -> None:
        journal = self._journal
        if journal is None:
            return
        ok = action(journal)
        self.writes += 1
        self.last_error = None if ok else journal.last_error

    def _submit(self, job: _Job) -> None:
        if not self._threaded:
            self._run(job)
            return
        with self._idle:
            self._pending += 1
        if self._thread is None:
            self._thread = threading.Thread(target=self._work, name="recovery-journal", daemon=True)
            self._thread.start()
        self._queue.put(job)

    def _run(self, job: _Job) -> None:
        try:
            job()
        except Exception as exc:  # a journal must never take the app down
            self.last_error = f"Couldn't write the recovery journal: {exc}"

    def _work(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            self._run(job)
            with self._idle:
                self._pending -= 1
                if self._pending == 0:
                    self._idle.notify_all()

    def flush(self, timeout_s: float = CLOSE_TIMEOUT_S) -> bool:
        """Wait until every queued write is done; False if `timeout_s` passed first."""
        if not self._threaded:
            return True
        deadline = time.monotonic() + timeout_s
        with self._idle:
            while self._pending:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._idle.wait(left)
        return True

    def close(self, *, timeout_s: float = CLOSE_TIMEOUT_S) -> None:
        """Finish the queued writes and stop the thread; the journal file stays."""

        def job() -> None:
            if self._journal is not None:
                self._journal.close()

        self._submit(job)
        self.flush(timeout_s)
        thread, self._thread = self._thread, None
        if thread is not None:
            self._queue.put(None)
            with contextlib.suppress(RuntimeError):
                thread.join(timeout_s)


__all__ = ["SessionJournal"]
