"""Logging that cannot leak a key: a redaction filter and an optional private debug log.

`RedactingFilter` rewrites every record it sees (message, arguments, exception text and stack)
through `core.redact.redact`, masking ``Bearer …``, ``sk-…`` and the exact value of every
registered `Secret`.

One pitfall decides where it goes: a filter attached to a *logger* only sees records logged on
that very logger, not the ones propagated up from ``httpx`` or ``openai`` child loggers.
Handler filters see everything the handler writes. So `install_redaction` attaches the filter to
the root logger **and to each of its handlers**, and `setup_debug_log` attaches it to the file
handler it creates.
"""

from __future__ import annotations

import contextlib
import io
import logging
import logging.handlers
import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from playground.core.redact import redact
from playground.core.secret import Secret
from playground.store.atomic import FILE_MODE, ensure_private_dir
from playground.store.paths import Paths

DEBUG_LOG_NAME = "debug.log"
DEBUG_LOG_MAX_BYTES = 10 * 1024 * 1024
"""The debug log rolls over to ``debug.log.1`` beyond this size (one backup kept)."""

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class RedactingFilter(logging.Filter):
    """Masks credentials in every record that passes through it; never drops a record.

    Args:
        secrets: Values to mask exactly, in addition to the generic patterns.
    """

    def __init__(self, secrets: Iterable[Secret] = ()) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._secrets: list[Secret] = list(secrets)

    def register(self, secret: Secret) -> None:
        """Also mask the exact value of `secret` from now on (a key typed in mid-session)."""
        with self._lock:
            if secret and secret not in self._secrets:
                self._secrets.append(secret)

    def unregister(self, secret: Secret) -> None:
        with self._lock:
            self._secrets = [s for s in self._secrets if s != secret]

    def redact(self, text: str) -> str:
        """`text` with the patterns and every registered secret masked."""
        with self._lock:
            secrets = tuple(self._secrets)
        return redact(text, secrets)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: keep the raw parts rather than lose the record
            message = f"{record.msg!r} % {record.args!r}"
        record.msg = self.redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            # The formatter reuses exc_text when it is set, so the traceback it prints is the
            # redacted one. exc_info stays for handlers that want the exception object.
            record.exc_text = self.redact(_format_exception(record))
        elif record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def _format_exception(record: logging.LogRecord) -> str:
    assert record.exc_info is not None
    text = logging.Formatter().formatException(record.exc_info)
    return text


def install_redaction(
    redacting: RedactingFilter, logger: logging.Logger | None = None
) -> RedactingFilter:
    """Attach `redacting` to `logger` (default: the root logger) and to all its handlers.

    Handlers added later must get the filter themselves (`setup_debug_log` does).
    """
    target = logger if logger is not None else logging.getLogger()
    if redacting not in target.filters:
        target.addFilter(redacting)
    for handler in target.handlers:
        if redacting not in handler.filters:
            handler.addFilter(redacting)
    return redacting


class _PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating file handler whose files are created 0600 whatever the umask."""

    def _open(self) -> io.TextIOWrapper:
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, FILE_MODE)
        with contextlib.suppress(OSError):
            os.chmod(self.baseFilename, FILE_MODE)  # an older file may have been wider
        return open(fd, "a", encoding=self.encoding or "utf-8", errors=self.errors)


@dataclass(frozen=True, slots=True)
class DebugLog:
    """A debug log file that is being written. Call `close()` when done."""

    path: Path
    """The log file (0600, in a 0700 folder)."""
    handler: logging.Handler
    redacting: RedactingFilter
    logger: logging.Logger

    def close(self) -> None:
        """Detach and close the handler; the file stays."""
        self.logger.removeHandler(self.handler)
        self.handler.close()


def setup_debug_log(
    paths: Paths,
    *,
    redacting: RedactingFilter | None = None,
    level: int = logging.DEBUG,
    logger: logging.Logger | None = None,
) -> DebugLog:
    """Start writing a redacted debug log to ``<state>/logs/debug.log``.

    Args:
        paths: Where the app's folders are.
        redacting: The app's filter (so that secrets registered later are masked here too);
            a new one when omitted.
        level: The handler's level; the logger is lowered to it if it is higher.
        logger: Default: the root logger, so ``httpx`` and ``openai`` records are included.

    Raises:
        OSError: the folder or the file could not be created.
    """
    folder = ensure_private_dir(paths.logs)
    path = folder / DEBUG_LOG_NAME
    redacting = redacting or RedactingFilter()
    handler = _PrivateRotatingFileHandler(
        path, maxBytes=DEBUG_LOG_MAX_BYTES, backupCount=1, encoding="utf-8"
    )
    handler.setLevel(level)
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler.addFilter(redacting)
    target = logger if logger is not None else logging.getLogger()
    target.addHandler(handler)
    if target.level == logging.NOTSET or target.level > level:
        target.setLevel(level)
    return DebugLog(path, handler, redacting, target)
