"""Logging for the app that cannot leak a key, and the warning when something else might log.

`start_logging` installs the redaction filter of `store.logs` on the root logger (every
``httpx``, ``openai`` or app record is masked: ``Bearer …``, ``sk-…`` and the exact value of
every key the app uses) and, when asked (``--debug-log`` or ``[logging] debug_log = true``),
the 0600 debug log under ``$STATE/logs``. `logging_warning` is RELIABILITY.md X3: Textual's
devtools send everything the app logs to an unauthenticated local socket, and ``TEXTUAL_LOG``
appends it to a file, so the top bar says so.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field

from playground.core.sanitize import safe_line
from playground.core.secret import Secret
from playground.store.logs import DebugLog, RedactingFilter, install_redaction, setup_debug_log
from playground.store.paths import Paths, display_path

NOISY_LOGGERS = ("markdown_it",)
"""Libraries whose DEBUG records describe every step of their work: kept at INFO."""


@dataclass(slots=True)
class Logging:
    """The app's logging set-up; `close()` undoes it."""

    redacting: RedactingFilter
    debug_log: DebugLog | None = None
    notices: list[str] = field(default_factory=list)
    """What to tell the user (where the debug log is, or why it could not be opened)."""
    _logger: logging.Logger = field(default_factory=logging.getLogger)

    def register(self, key: Secret | None) -> None:
        """Mask `key`'s exact value in every record from now on."""
        if key:
            self.redacting.register(key)

    def close(self) -> None:
        if self.debug_log is not None:
            self.debug_log.close()
            self.debug_log = None
        self._logger.removeFilter(self.redacting)
        for handler in self._logger.handlers:
            handler.removeFilter(self.redacting)


def start_logging(paths: Paths, *, debug: bool = False) -> Logging:
    """Install the redaction filter and, with `debug`, the private debug log."""
    redacting = install_redaction(RedactingFilter())
    setup = Logging(redacting)
    if debug:
        for noisy in NOISY_LOGGERS:  # a record per Markdown block would drown the log
            if logging.getLogger(noisy).level == logging.NOTSET:
                logging.getLogger(noisy).setLevel(logging.INFO)
        try:
            setup.debug_log = setup_debug_log(paths, redacting=redacting)
        except OSError as exc:
            setup.notices.append(
                f"Couldn't open the debug log in {display_path(paths.logs)}: {exc.strerror or exc}."
            )
        else:
            where = display_path(setup.debug_log.path)
            setup.notices.append(f"Writing a debug log (keys masked) to {where}.")
            logging.getLogger("playground").debug("debug log started")
    return setup


def _devtools(environ: Mapping[str, str]) -> bool:
    # Textual's own parsing (textual.features.parse_features): comma separated, any case.
    features = environ.get("TEXTUAL", "").split(",")
    return "devtools" in {f.strip().lower() for f in features}


def logging_warning(environ: Mapping[str, str]) -> str:
    """A short warning for the top bar when Textual itself may send logs elsewhere (X3)."""
    if _devtools(environ):
        return "devtools logging on"
    if environ.get("TEXTUAL_LOG"):
        return f"TEXTUAL_LOG → {safe_line(environ['TEXTUAL_LOG'], 30)}"
    return ""


def logging_warning_detail(environ: Mapping[str, str]) -> str:
    """The full sentence for a notification, or an empty string."""
    if _devtools(environ):
        return (
            "Textual devtools are on (TEXTUAL=devtools): everything the app logs goes to an "
            "unauthenticated local socket. Keys are never logged, but prompts and answers may be."
        )
    if environ.get("TEXTUAL_LOG"):
        return (
            f"TEXTUAL_LOG is set: Textual appends its log to "
            f"{safe_line(environ['TEXTUAL_LOG'], 120)}. Keys are never logged, but prompts and "
            "answers may be."
        )
    return ""


__all__ = ["Logging", "logging_warning", "logging_warning_detail", "start_logging"]
