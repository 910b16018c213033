"""Why a key could not be read, saved or deleted: errors whose text is ready to show.

The wording is RELIABILITY.md §1.5's. `KeyStoreError.message_for` names the profile's own key
variable (``OPENROUTER_API_KEY`` for OpenRouter) where the message suggests setting one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from playground.core.redact import redact
from playground.core.sanitize import safe_line
from playground.store.paths import display_path

DEFAULT_ENV_HINT = "AI_GATEWAY_API_KEY"

Action = Literal["save", "read", "delete"]


class KeyStoreError(Exception):
    """A key could not be read, saved or deleted. `str()` is a message for the user."""

    action: Action

    def __init__(self, action: Action = "save") -> None:
        super().__init__(action)
        self.action = action

    def message_for(self, env_var: str | None = DEFAULT_ENV_HINT) -> str:
        """The message, naming `env_var` (the profile's key variable) where it helps."""
        return "The key store failed."

    def __str__(self) -> str:
        return self.message_for()


class KeyringUnavailable(KeyStoreError):
    """No usable keyring: the ``fail`` or ``null`` backend, or a chainer with nothing in it."""

    def __init__(self, reason: str, *, action: Action = "save") -> None:
        super().__init__(action)
        self.reason = reason

    def message_for(self, env_var: str | None = DEFAULT_ENV_HINT) -> str:
        head = f"Couldn't {self.action} the key: no system keyring is available ({self.reason})."
        if self.action != "save":
            return head
        keep = (
            f"set {env_var} or unlock/install a keyring" if env_var else "unlock/install a keyring"
        )
        return f"{head} It will be used for this session only. To keep it, {keep}."


class KeyringInsecure(KeyStoreError):
    """The keyring backend stores secrets unencrypted (``keyrings.alt``)."""

    def __init__(self, backend: str) -> None:
        super().__init__("save")
        self.backend = backend

    def message_for(self, env_var: str | None = DEFAULT_ENV_HINT) -> str:
        return f"Your keyring backend ({self.backend}) stores secrets unencrypted. Not saving."


class KeyringTimeout(KeyStoreError):
    """The keyring did not answer in time (locked, or waiting for a prompt nobody sees)."""

    def __init__(self, timeout_s: float, *, action: Action = "save") -> None:
        super().__init__(action)
        self.timeout_s = timeout_s

    def message_for(self, env_var: str | None = DEFAULT_ENV_HINT) -> str:
        return (
            f"The system keyring didn't answer within {self.timeout_s:g} s (it may be locked). "
            "Enter a key for this session, or unlock it and retry."
        )


class KeyringFailed(KeyStoreError):
    """The keyring raised: locked, refused, or a D-Bus error leaking through."""

    def __init__(self, cause: BaseException, *, action: Action = "save") -> None:
        super().__init__(action)
        detail = safe_line(redact(str(cause)), 160)
        self.cause = f"{type(cause).__name__}: {detail}" if detail else type(cause).__name__

    def message_for(self, env_var: str | None = DEFAULT_ENV_HINT) -> str:
        text = f"Couldn't {self.action} the key: the keyring refused ({self.cause})."
        if self.action == "save":
            text += " It will be used for this session only."
        return text


class KeyFileError(KeyStoreError):
    """The plaintext key file could not be read or written."""

    def __init__(self, path: Path, problem: str, *, action: Action = "read") -> None:
        super().__init__(action)
        self.path = path
        self.problem = problem

    def message_for(self, env_var: str | None = DEFAULT_ENV_HINT) -> str:
        where = display_path(self.path)
        text = f"Couldn't {self.action} the key file {where}: {self.problem}."
        if self.action == "save":
            text += " It was left untouched."
        return text
