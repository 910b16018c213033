"""Where API keys are kept: the OS keyring, memory, or (only when asked) a private file.

Three stores share one small interface, `KeyStore`, keyed by the gateway's **origin**
(``https://ai-gateway.vercel.sh``), so a stored key is bound to the host it was saved for:

- `KeyringKeyStore`: the OS credential store through the ``keyring`` package, service
  ``gateway-playground``, username = origin. It refuses to save into a backend that is absent
  (``fail``, ``null``, a chainer with nothing to chain) or insecure (any ``keyrings.alt``
  backend), because keyring would otherwise fail or quietly write plaintext (RELIABILITY.md §1).
- `MemoryKeyStore`: a dict, for tests and ``--no-keyring``; keys last for the session.
- `FileKeyStore`: a 0600 JSON file, used only after an explicit ``--insecure-storage``.

Keyring calls block, sometimes for minutes (a locked Secret Service waiting for a prompt).
`AsyncKeyStore` runs each call on a daemon thread with a deadline (10 s by default) and raises
`KeyringTimeout` when it passes. Daemon threads rather than ``asyncio.to_thread``: a thread of
the default executor that never returns keeps the interpreter from exiting, so a hung keyring
would hang ``quit``; a daemon thread is simply abandoned.

Errors are `KeyStoreError`s whose text is the message RELIABILITY.md §1.5 prescribes, ready to
show. Nothing here logs or prints a key; keys travel as `Secret`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

from playground.core.secret import Secret
from playground.store.atomic import atomic_write_text
from playground.store.key_errors import (
    DEFAULT_ENV_HINT,
    Action,
    KeyFileError,
    KeyringFailed,
    KeyringInsecure,
    KeyringTimeout,
    KeyringUnavailable,
    KeyStoreError,
)
from playground.store.paths import display_path

SERVICE = "gateway-playground"
"""The keyring service name; the username is the gateway's origin."""

DEFAULT_TIMEOUT_S = 10.0
"""How long a keyring call may take before the caller gives up on it."""

T = TypeVar("T")


# -- status ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StoreStatus:
    """What a key store is and whether it can keep a key safely."""

    name: str
    """The backend as a user can look it up: ``keyring.backends.SecretService.Keyring``,
    ``keyrings.alt PlaintextKeyring``, ``memory``, ``plaintext file ~/…``."""
    available: bool
    """Whether keys can be stored and read at all."""
    secure: bool
    """Whether the secrets are encrypted at rest (or never written)."""
    persistent: bool
    """Whether a key outlives the process."""
    reason: str = ""
    """Why the store is unavailable or insecure, in a few words."""

    @property
    def summary(self) -> str:
        """One line for ``key status`` and the key screen."""
        if not self.available:
            return f"{self.name}: not available ({self.reason})"
        if not self.secure:
            return f"{self.name}: INSECURE ({self.reason})"
        if not self.persistent:
            return f"{self.name}: keys last for this session only"
        return f"{self.name}: secure"


_ALT_PREFIX = "keyrings.alt"


def backend_name(backend: object) -> str:
    """``keyrings.alt PlaintextKeyring`` for keyrings.alt, the dotted class path otherwise."""
    cls = type(backend)
    module = cls.__module__
    if module == _ALT_PREFIX or module.startswith(_ALT_PREFIX + "."):
        return f"{_ALT_PREFIX} {cls.__qualname__}"
    return f"{module}.{cls.__qualname__}"


def _no_backend_reason() -> str:
    if sys.platform.startswith("linux") and not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        return "no Secret Service on D-Bus"
    return "no recommended keyring backend is installed"


def describe_backend(backend: object) -> StoreStatus:
    """Classify a keyring backend: absent (fail, null, empty chainer), insecure (keyrings.alt),
    or secure (anything else, e.g. SecretService, macOS Keychain, Windows Credential Locker)."""
    name = backend_name(backend)
    cls = type(backend)
    module = cls.__module__
    if module == "keyring.backends.fail":
        return StoreStatus(name, False, False, False, _no_backend_reason())
    if module == "keyring.backends.null":
        return StoreStatus(name, False, False, False, "the keyring is disabled (null backend)")
    if module.startswith(_ALT_PREFIX):
        return StoreStatus(name, True, False, True, "it stores secrets unencrypted")
    if module == "keyring.backends.chainer":
        members = list(getattr(backend, "backends", ()))
        if not members:
            return StoreStatus(name, False, False, False, "no keyring backend to chain")
        statuses = [describe_backend(m) for m in members]
        insecure = [s.name for s in statuses if s.available and not s.secure]
        if insecure:
            return StoreStatus(name, True, False, True, "it chains " + ", ".join(insecure))
        if not any(s.available for s in statuses):
            return StoreStatus(name, False, False, False, statuses[0].reason)
        return StoreStatus(name, True, True, True)
    return StoreStatus(name, True, True, True)


# -- the stores --------------------------------------------------------------------------------


class KeyStore(Protocol):
    """API keys by gateway origin. Every method may block (call through `AsyncKeyStore`)."""

    def status(self) -> StoreStatus:
        """What the store is and whether saving into it is safe."""
        ...

    def get(self, origin: str) -> Secret | None:
        """The key saved for `origin`, or None."""
        ...

    def set(self, origin: str, key: Secret) -> None:
        """Save `key` for `origin`, replacing any other."""
        ...

    def delete(self, origin: str) -> bool:
        """Remove the key for `origin`; False when there was none."""
        ...


class MemoryKeyStore:
    """Keys in a dict: for tests and ``--no-keyring``. Nothing outlives the process."""

    def __init__(self, keys: dict[str, Secret] | None = None) -> None:
        self._keys: dict[str, Secret] = dict(keys or {})
        self._lock = threading.Lock()

    def status(self) -> StoreStatus:
        return StoreStatus("memory", True, True, False)

    def get(self, origin: str) -> Secret | None:
        with self._lock:
            return self._keys.get(origin)

    def set(self, origin: str, key: Secret) -> None:
        with self._lock:
            self._keys[origin] = key

    def delete(self, origin: str) -> bool:
        with self._lock:
            return self._keys.pop(origin, None) is not None


# The "keyring" package is imported lazily: importing it scans entry points, and importing any
# module here must stay cheap and free of side effects.
_KEYRING_ERRORS: tuple[type[BaseException], ...] = (RuntimeError, OSError)


def _keyring_errors() -> tuple[type[BaseException], ...]:
    import keyring.errors

    # NoKeyringError is a RuntimeError; D-Bus and jeepney errors can leak through as OSError.
    return (keyring.errors.KeyringError, *_KEYRING_ERRORS)


class KeyringKeyStore:
    """Keys in the OS keyring (service ``gateway-playground``, username = origin).

    Args:
        backend: A keyring backend object; the one ``keyring`` selects (environment variable
            ``PYTHON_KEYRING_BACKEND``, ``keyringrc.cfg``, or the best available) when None.
        allow_insecure: Save into an insecure backend (``keyrings.alt``) anyway.
        service: The keyring service name.
    """

    def __init__(
        self,
        backend: Any = None,
        *,
        allow_insecure: bool = False,
        service: str = SERVICE,
    ) -> None:
        self._backend = backend
        self._allow_insecure = allow_insecure
        self._service = service

    @property
    def backend(self) -> Any:
        """The backend; selecting it may block (it probes D-Bus), so call it off the UI thread."""
        if self._backend is None:
            import keyring

            self._backend = keyring.get_keyring()
        return self._backend

    def status(self) -> StoreStatus:
        return describe_backend(self.backend)

    def get(self, origin: str) -> Secret | None:
        status = self.status()
        if not status.available:
            return None
        try:
            value = self.backend.get_password(self._service, origin)
        except _keyring_errors() as exc:
            raise KeyringFailed(exc, action="read") from None
        return Secret(value) if isinstance(value, str) and value else None

    def set(self, origin: str, key: Secret) -> None:
        status = self.status()
        if not status.available:
            raise KeyringUnavailable(status.reason)
        if not status.secure and not self._allow_insecure:
            raise KeyringInsecure(status.name)
        try:
            self.backend.set_password(self._service, origin, key.reveal())
            stored = self.backend.get_password(self._service, origin)
        except _keyring_errors() as exc:
            # `from None`: the chained exception could carry the backend's view of the call.
            raise KeyringFailed(exc) from None
        if stored != key.reveal():
            raise KeyringFailed(RuntimeError("the keyring did not keep the key"))

    def delete(self, origin: str) -> bool:
        status = self.status()
        if not status.available:
            raise KeyringUnavailable(status.reason, action="delete")
        import keyring.errors

        try:
            if self.backend.get_password(self._service, origin) is None:
                return False
            self.backend.delete_password(self._service, origin)
        except keyring.errors.PasswordDeleteError:
            return False
        except _keyring_errors() as exc:
            raise KeyringFailed(exc, action="delete") from None
        return True


KEY_FILE_FORMAT = "gateway-playground-keys"


class FileKeyStore:
    """Keys in a 0600 JSON file, in plain text. Only after an explicit ``--insecure-storage``.

    A file that cannot be parsed is never overwritten: saving into it raises `KeyFileError`.
    """

    def __init__(self, path: Path) -> None:
        self.path = path

    def status(self) -> StoreStatus:
        return StoreStatus(
            f"plaintext file {display_path(self.path)}",
            True,
            False,
            True,
            "keys are stored unencrypted (mode 0600)",
        )

    def _read(self, action: Action) -> dict[str, str]:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise KeyFileError(self.path, exc.strerror or str(exc), action=action) from None
        try:
            data = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            raise KeyFileError(self.path, "it is not valid JSON", action=action) from None
        keys = data.get("keys") if isinstance(data, dict) else None
        if not isinstance(keys, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in keys.items()
        ):
            raise KeyFileError(self.path, "it is not a key file", action=action) from None
        return dict(keys)

    def _write(self, keys: dict[str, str]) -> None:
        text = json.dumps({"format": KEY_FILE_FORMAT, "keys": keys}, indent=2) + "\n"
        try:
            atomic_write_text(self.path, text)
        except OSError as exc:
            raise KeyFileError(self.path, exc.strerror or str(exc), action="save") from None

    @property
    def mode_warning(self) -> str | None:
        """A warning when the file is readable by others (someone widened its mode)."""
        try:
            mode = self.path.stat().st_mode & 0o777
        except OSError:
            return None
        if mode & 0o077:
            return (
                f"The key file {display_path(self.path)} is readable by other users "
                f"(mode {mode:04o}); run chmod 600 on it."
            )
        return None

    def get(self, origin: str) -> Secret | None:
        value = self._read("read").get(origin)
        return Secret(value) if value else None

    def set(self, origin: str, key: Secret) -> None:
        keys = self._read("save")
        keys[origin] = key.reveal()
        self._write(keys)

    def delete(self, origin: str) -> bool:
        keys = self._read("delete")
        if origin not in keys:
            return False
        del keys[origin]
        if keys:
            self._write(keys)
        else:
            try:
                self.path.unlink()
            except OSError as exc:
                raise KeyFileError(self.path, exc.strerror or str(exc), action="delete") from None
        return True


# -- off the event loop, with a deadline --------------------------------------------------------


async def call_with_timeout(fn: Callable[[], T], timeout_s: float, *, action: Action) -> T:
    """Run the blocking `fn` on a daemon thread; give up after `timeout_s`.

    Raises:
        KeyringTimeout: `fn` did not return in time. It keeps running on its thread, which
            is abandoned (and cannot keep the process alive).
    """
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def deliver(ok: bool, value: Any) -> None:
        if future.done():
            return
        if ok:
            future.set_result(value)
        else:
            future.set_exception(value)

    def target() -> None:
        try:
            result: Any = fn()
            ok = True
        except BaseException as exc:
            result, ok = exc, False
        # RuntimeError: the loop closed while we were blocked, and nobody is waiting.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(deliver, ok, result)

    threading.Thread(target=target, name=f"keyring-{action}", daemon=True).start()
    try:
        return await asyncio.wait_for(future, timeout_s)
    except TimeoutError:
        raise KeyringTimeout(timeout_s, action=action) from None


class AsyncKeyStore:
    """A `KeyStore` for async callers: every call runs off the event loop, with a deadline.

    Args:
        store: The blocking store.
        timeout_s: The deadline of each call.
    """

    def __init__(self, store: KeyStore, *, timeout_s: float = DEFAULT_TIMEOUT_S) -> None:
        self.store = store
        self.timeout_s = timeout_s

    async def status(self) -> StoreStatus:
        return await call_with_timeout(self.store.status, self.timeout_s, action="read")

    async def get(self, origin: str) -> Secret | None:
        return await call_with_timeout(
            lambda: self.store.get(origin), self.timeout_s, action="read"
        )

    async def set(self, origin: str, key: Secret) -> None:
        await call_with_timeout(lambda: self.store.set(origin, key), self.timeout_s, action="save")

    async def delete(self, origin: str) -> bool:
        return await call_with_timeout(
            lambda: self.store.delete(origin), self.timeout_s, action="delete"
        )


__all__ = [
    "DEFAULT_ENV_HINT",
    "DEFAULT_TIMEOUT_S",
    "SERVICE",
    "AsyncKeyStore",
    "FileKeyStore",
    "KeyFileError",
    "KeyStore",
    "KeyStoreError",
    "KeyringFailed",
    "KeyringInsecure",
    "KeyringKeyStore",
    "KeyringTimeout",
    "KeyringUnavailable",
    "MemoryKeyStore",
    "StoreStatus",
    "backend_name",
    "call_with_timeout",
    "describe_backend",
]
