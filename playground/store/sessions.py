"""Session files: save, open, the recent list, Markdown export, clean-up (RELIABILITY.md §4).

Saving is atomic (`store.atomic`): a crash or ``kill -9`` leaves the old file or the new one,
never half of one; files are 0600 in 0700 folders; a symlinked session keeps its link and
its target is updated. Before overwriting a file, `SessionStore.save` makes sure that doing so
loses nothing:

- a file written by a newer schema is never overwritten (it was opened read-only);
- a file that could not be read as a session (corrupt, or some other JSON) is not overwritten
  unless the caller says so (``replace_unreadable=True``, the "Save As" confirmation);
- a file from an older schema is first copied to ``<name>.v<N>.bak``, once.

Opening reports every failure in one sentence that names the file and the place and promises
the file was not touched: ``Couldn't read session foo.json: line 12, column 5: Expecting ','.
The file was left untouched.``
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

import orjson

from playground import __version__
from playground.core.sanitize import safe_line
from playground.core.session import (
    SCHEMA_VERSION,
    Session,
    now_iso,
    read_only_notice,
    session_from_dict,
    session_to_dict,
)
from playground.core.session_codec import SchemaError
from playground.store.atomic import atomic_write_bytes, atomic_write_text, clean_stale_temps
from playground.store.paths import Paths, display_path
from playground.store.session_export import export_markdown

MAX_SESSION_BYTES = 50 * 1024 * 1024
"""Larger files are opened only with ``allow_large=True`` (after the user confirms)."""

SESSION_SUFFIX = ".session.json"
RECENT_FORMAT = "gateway-playground-recent"
RECENT_LIMIT = 20


class SessionError(Exception):
    """A session could not be opened or saved. `str()` is a message for the user."""

    def __init__(self, message: str, path: Path | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path

    def __str__(self) -> str:
        return self.message


class SessionReadError(SessionError):
    """The file is missing, unreadable, not JSON, not a session, or fails validation."""


class SessionTooLarge(SessionReadError):
    """The file is above the size limit; open it with ``allow_large=True`` after asking."""

    def __init__(self, message: str, path: Path, size: int) -> None:
        super().__init__(message, path)
        self.size = size


class SessionWriteError(SessionError):
    """The write itself failed (disk full, read-only folder, permissions). The old file and
    the session in memory are intact; saving again may work."""


class SessionWriteRefused(SessionError):
    """Overwriting would lose something (a newer-schema or unreadable file); nothing was
    written."""


def _name(path: Path) -> str:
    return safe_line(path.name, 120)


def _mb(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{size / 1024:.1f} KB"


def session_bytes(session: Session) -> bytes:
    """The file's content: indented UTF-8 JSON, keys in the schema's order, one trailing
    newline."""
    doc = session_to_dict(session)
    try:
        # orjson is ~10x faster than the json module at this; its output is the same JSON.
        return orjson.dumps(doc, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
    except (orjson.JSONEncodeError, TypeError):
        pass  # integers beyond 64 bits, or a lone surrogate: the json module copes with both
    text = json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False)
    try:
        return (text + "\n").encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate (from a \ud800 escape in a stream) cannot be UTF-8; escaping
        # everything keeps the file valid and reads back to the very same string.
        return (json.dumps(doc, indent=2, ensure_ascii=True, allow_nan=False) + "\n").encode()


def session_json(session: Session) -> str:
    """`session_bytes` as text."""
    return session_bytes(session).decode("utf-8")


def parse_session(raw: bytes, name: str) -> Session:
    """Read a session from the bytes of a file called `name` (for messages).

    Raises:
        SessionReadError: the message names the problem and its place.
    """
    untouched = "The file was left untouched."
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SessionReadError(
            f"Couldn't read session {name}: it is not UTF-8 text (byte 0x{raw[exc.start]:02x} "
            f"at offset {exc.start}). {untouched}"
        ) from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SessionReadError(
            f"Couldn't read session {name}: line {exc.lineno}, column {exc.colno}: {exc.msg}. "
            f"{untouched}"
        ) from None
    except RecursionError:
        raise SessionReadError(
            f"Couldn't read session {name}: it is nested too deeply. {untouched}"
        ) from None
    try:
        return session_from_dict(doc)
    except SchemaError as exc:
        raise SessionReadError(
            f"Couldn't read session {name}: {safe_line(str(exc), 300)}. {untouched}"
        ) from None


FileState = Literal["ok", "old", "newer", "unreadable"]


@dataclass(frozen=True, slots=True)
class _Known:
    mtime_ns: int
    size: int
    state: FileState
    schema: int


def _stat_key(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size


@dataclass(frozen=True, slots=True)
class RecentEntry:
    """A session the user opened or saved lately."""

    path: str
    """Absolute path as the user knows it (a symlink stays a symlink)."""
    title: str
    runs: int
    used: str
    """When it was last opened or saved (ISO 8601)."""

    @property
    def exists(self) -> bool:
        return os.path.exists(self.path)


class SessionStore:
    """Opens and saves session files and keeps the recent list.

    Args:
        paths: The app's folders (the recent list lives in ``paths.recent_file``).
        max_bytes: The size above which `load` asks for confirmation.
        clock: Gives the ``saved`` time stamp (tests pass a fixed one).
    """

    def __init__(
        self,
        paths: Paths,
        *,
        max_bytes: int = MAX_SESSION_BYTES,
        clock: Callable[[], str] = now_iso,
    ) -> None:
        self.paths = paths
        self.max_bytes = max_bytes
        self._clock = clock
        self._known: dict[str, _Known] = {}

    # -- opening -------------------------------------------------------------------------------

    def load(self, path: Path, *, allow_large: bool = False) -> Session:
        """Open the session at `path`. A newer-schema file comes back `Session.read_only`.

        Raises:
            SessionTooLarge: above `max_bytes` and not `allow_large`.
            SessionReadError: anything else that stops it from being read; the file is never
                modified.
        """
        path = Path(path)
        real = os.path.realpath(path)
        name = _name(path)
        try:
            info = os.stat(real)
            if info.st_size > self.max_bytes and not allow_large:
                raise SessionTooLarge(
                    f"{name} is {_mb(info.st_size)}, above the {_mb(self.max_bytes)} limit for "
                    "sessions; open it anyway only if you expect it to be that large. The file "
                    "was left untouched.",
                    path,
                    info.st_size,
                )
            raw = Path(real).read_bytes()
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            raise SessionReadError(f"Couldn't open session {name}: {reason}.", path) from None
        try:
            session = parse_session(raw, name)
        except SessionReadError as exc:
            self._remember_state(real, "unreadable", 0)
            raise SessionReadError(exc.message, path) from None
        state: FileState = "ok"
        if session.read_only:
            state = "newer"
        elif session.migrated:
            state = "old"
        self._remember_state(real, state, session.source_schema)
        self._touch_recent(path, session)
        return session

    def _remember_state(self, real: str, state: FileState, schema: int) -> None:
        key = _stat_key(Path(real))
        if key is not None:
            self._known[real] = _Known(key[0], key[1], state, schema)

    def _state_of(self, real: str) -> _Known | None:
        """What the file at `real` is now: from memory when unchanged since we last saw it,
        else by reading it."""
        key = _stat_key(Path(real))
        if key is None:
            return None
        known = self._known.get(real)
        if known is not None and (known.mtime_ns, known.size) == key:
            return known
        try:
            raw = Path(real).read_bytes()
        except OSError:
            return _Known(key[0], key[1], "unreadable", 0)
        try:
            session = parse_session(raw, "")
        except SessionReadError:
            return _Known(key[0], key[1], "unreadable", 0)
        if session.read_only:
            return _Known(key[0], key[1], "newer", session.source_schema)
        if session.migrated:
            return _Known(key[0], key[1], "old", session.source_schema)
        return _Known(key[0], key[1], "ok", SCHEMA_VERSION)

    # -- saving --------------------------------------------------------------------------------

    def save(self, session: Session, path: Path, *, replace_unreadable: bool = False) -> Session:
        """Write `session` to `path` atomically; returns it with ``saved`` and ``app_version``
        stamped (keep that one).

        Args:
            session: What to save. A `Session.read_only` session is refused.
            path: The file; a symlink's target is written and the link kept.
            replace_unreadable: Overwrite a file that is not a readable session (the user
                confirmed "Save As" onto it).

        Raises:
            SessionWriteRefused: overwriting would lose something; nothing was written.
            SessionWriteError: the write failed; the old file is intact.
        """
        path = Path(path)
        name = _name(path)
        if session.read_only:
            raise SessionWriteRefused(
                read_only_notice(session) + " Export it to Markdown to keep a copy.", path
            )
        real = os.path.realpath(path)
        current = self._state_of(real)
        if current is not None:
            if current.state == "newer":
                raise SessionWriteRefused(
                    f"{name} was saved by a newer version (schema {current.schema}); it will "
                    "not be overwritten. Save under another name.",
                    path,
                )
            if current.state == "unreadable" and not replace_unreadable:
                raise SessionWriteRefused(
                    f"{name} couldn't be read as a session, so it was not overwritten. Save "
                    "under another name, or confirm replacing it.",
                    path,
                )
            if current.state == "old":
                self._backup(Path(real), current.schema)
        stamped = replace(session, saved=self._clock(), app_version=__version__)
        try:
            atomic_write_bytes(Path(real), session_bytes(stamped))
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            raise SessionWriteError(
                f"Couldn't save to {display_path(path)}: {reason}. The session is still open "
                "and nothing was lost; try again or save somewhere else.",
                path,
            ) from None
        self._remember_state(real, "ok", SCHEMA_VERSION)
        self._touch_recent(path, stamped)
        return replace(stamped, source_schema=SCHEMA_VERSION, extra=stamped.extra)

    def _backup(self, real: Path, schema: int) -> None:
        backup = real.with_name(f"{real.name}.v{schema}.bak")
        if backup.exists():
            return
        try:
            atomic_write_bytes(backup, real.read_bytes())
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            raise SessionWriteError(
                f"Couldn't back up {_name(real)} to {backup.name} before converting it: "
                f"{reason}. Nothing was written.",
                real,
            ) from None

    def default_path(self, session: Session) -> Path:
        """Where "Save" puts a session that has no file yet:
        ``<data>/sessions/<title or date>.session.json``, never an existing file."""
        stem = re.sub(r"[^A-Za-z0-9._-]+", "-", session.title).strip("-.")[:60]
        if not stem:
            stem = "session-" + session.created[:19].replace(":", "").replace("T", "-")
        candidate = self.paths.sessions / f"{stem}{SESSION_SUFFIX}"
        n = 2
        while candidate.exists():
            candidate = self.paths.sessions / f"{stem}-{n}{SESSION_SUFFIX}"
            n += 1
        return candidate

    @staticmethod
    def backups_of(path: Path) -> list[Path]:
        """The ``.v<N>.bak`` copies beside `path`, newest schema first (to offer after an error)."""
        real = Path(os.path.realpath(path))
        found = list(real.parent.glob(f"{glob_escape(real.name)}.v*.bak"))
        return sorted(found, key=lambda p: p.name, reverse=True)

    # -- export --------------------------------------------------------------------------------

    def export(self, session: Session, path: Path) -> Path:
        """Write the Markdown export of `session` to `path` (atomic, 0600).

        Raises:
            SessionWriteError: the write failed.
        """
        try:
            return atomic_write_text(Path(path), export_markdown(session))
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            raise SessionWriteError(
                f"Couldn't export to {display_path(path)}: {reason}.", Path(path)
            ) from None

    # -- the recent list -----------------------------------------------------------------------

    def recent(self) -> list[RecentEntry]:
        """Recently opened or saved sessions, most recent first. A damaged list reads as
        empty (it is the app's own bookkeeping, rebuilt as sessions are used)."""
        try:
            doc = json.loads(self.paths.recent_file.read_bytes())
        except (OSError, ValueError):
            return []
        entries = doc.get("entries") if isinstance(doc, dict) else None
        out: list[RecentEntry] = []
        for item in entries if isinstance(entries, list) else []:
            if not isinstance(item, dict) or not isinstance(item.get("path"), str):
                continue
            runs = item.get("runs")
            out.append(
                RecentEntry(
                    item["path"],
                    str(item.get("title", "")),
                    runs if isinstance(runs, int) and not isinstance(runs, bool) else 0,
                    str(item.get("used", "")),
                )
            )
        return out

    def forget(self, path: Path) -> None:
        """Drop `path` from the recent list."""
        target = os.path.abspath(path)
        self._write_recent([e for e in self.recent() if e.path != target])

    def _touch_recent(self, path: Path, session: Session) -> None:
        target = os.path.abspath(path)
        entry = RecentEntry(target, session.title, len(session.runs), self._clock())
        entries = [entry, *(e for e in self.recent() if e.path != target)]
        with contextlib.suppress(OSError):  # bookkeeping: never fail an open or a save for it
            self._write_recent(entries[:RECENT_LIMIT])

    def _write_recent(self, entries: Iterable[RecentEntry]) -> None:
        doc: dict[str, Any] = {
            "format": RECENT_FORMAT,
            "entries": [
                {"path": e.path, "title": e.title, "runs": e.runs, "used": e.used} for e in entries
            ],
        }
        atomic_write_text(self.paths.recent_file, json.dumps(doc, indent=2, ensure_ascii=False))

    # -- clean-up ------------------------------------------------------------------------------

    def clean_stale_temps(
        self, extra_folders: Iterable[Path] = (), *, older_than_s: float = 86_400.0
    ) -> int:
        """Delete ``.tmp-*.part`` files that crashed writes left behind in the app's folders,
        the folders of recent sessions and `extra_folders`; returns how many."""
        folders = {
            self.paths.sessions,
            self.paths.state,
            self.paths.recovery,
            self.paths.config,
            self.paths.data,
            *(Path(e.path).parent for e in self.recent()),
            *extra_folders,
        }
        return sum(clean_stale_temps(f, older_than_s=older_than_s) for f in sorted(folders))


def glob_escape(name: str) -> str:
    """`name` with glob metacharacters escaped."""
    return re.sub(r"([*?\[])", r"[\1]", name)


__all__ = [
    "MAX_SESSION_BYTES",
    "RecentEntry",
    "SessionError",
    "SessionReadError",
    "SessionStore",
    "SessionTooLarge",
    "SessionWriteError",
    "SessionWriteRefused",
    "export_markdown",
    "parse_session",
    "session_bytes",
    "session_json",
]
