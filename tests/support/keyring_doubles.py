"""Keyring backends that misbehave on purpose, for the K cases of RELIABILITY.md §7.

Each can be selected in a subprocess with ``PYTHON_KEYRING_BACKEND=support.keyring_doubles.<Name>``
(``tests`` is on ``PYTHONPATH``, see conftest.py):

- `FileKeyring`: a "secure" keyring persisted to the JSON file named by
  ``PLAYGROUND_TEST_KEYRING_FILE``, so that ``key set``, ``key status`` and ``key delete`` run
  as separate processes can see each other's work (the memory keyring cannot);
- `SleepingKeyring`: every call blocks for ``PLAYGROUND_TEST_KEYRING_SLEEP`` seconds (default
  60), like a locked Secret Service waiting for a prompt nobody sees;
- `LockedKeyring`: reads work, writes raise `KeyringLocked`;
- `RefusingKeyring`: writes raise `PasswordSetError`;
- `DbusErrorKeyring`: every call raises an `OSError`, as D-Bus errors sometimes leak through;
- `PlaintextLookalike`: claims to be ``keyrings.alt.file.PlaintextKeyring`` (keyrings.alt is not
  installed here), to check that such a backend is named and refused.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import keyring.backend
import keyring.errors


class _DictKeyring(keyring.backend.KeyringBackend):
    priority = 1

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.store.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError("not found")


class FileKeyring(keyring.backend.KeyringBackend):
    """Secrets in a JSON file shared by processes (a stand-in for the OS keyring)."""

    priority = 1

    @property
    def path(self) -> Path:
        return Path(os.environ["PLAYGROUND_TEST_KEYRING_FILE"])

    def _load(self) -> dict[str, str]:
        try:
            data: dict[str, str] = json.loads(self.path.read_text())
        except FileNotFoundError:
            return {}
        return data

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}|{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._load()
        data[f"{service}|{username}"] = password
        self.path.write_text(json.dumps(data))

    def delete_password(self, service: str, username: str) -> None:
        data = self._load()
        if data.pop(f"{service}|{username}", None) is None:
            raise keyring.errors.PasswordDeleteError("not found")
        self.path.write_text(json.dumps(data))


class SleepingKeyring(_DictKeyring):
    """Every call hangs (a locked keyring)."""

    def _sleep(self) -> None:
        time.sleep(float(os.environ.get("PLAYGROUND_TEST_KEYRING_SLEEP", "60")))

    def get_password(self, service: str, username: str) -> str | None:
        self._sleep()
        return super().get_password(service, username)

    def set_password(self, service: str, username: str, password: str) -> None:
        self._sleep()
        super().set_password(service, username, password)


class LockedKeyring(_DictKeyring):
    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.KeyringLocked("Collection is locked")


class RefusingKeyring(_DictKeyring):
    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.PasswordSetError("Failed to unlock the collection!")


class DbusErrorKeyring(_DictKeyring):
    def get_password(self, service: str, username: str) -> str | None:
        raise OSError("org.freedesktop.DBus.Error.ServiceUnknown")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise OSError("org.freedesktop.DBus.Error.ServiceUnknown")


class ForgetfulKeyring(_DictKeyring):
    """Accepts a key and keeps nothing (what the null backend does, but unrecognised)."""

    def set_password(self, service: str, username: str, password: str) -> None:
        return None


class PlaintextKeyring(_DictKeyring):
    """Looks like keyrings.alt's plaintext backend to anything that inspects its module."""


PlaintextKeyring.__module__ = "keyrings.alt.file"
PlaintextLookalike = PlaintextKeyring


def fail_keyring() -> Any:
    """keyring's ``fail`` backend: what headless Linux gets without a Secret Service."""
    import keyring.backends.fail

    return keyring.backends.fail.Keyring()  # type: ignore[no-untyped-call]


def null_keyring() -> Any:
    """keyring's ``null`` backend: accepts keys and keeps nothing."""
    import keyring.backends.null

    return keyring.backends.null.Keyring()  # type: ignore[no-untyped-call]


def chainer_keyring() -> Any:
    """keyring's real chainer, over whatever backends this machine has."""
    import keyring.backends.chainer

    return keyring.backends.chainer.ChainerBackend()  # type: ignore[no-untyped-call]
