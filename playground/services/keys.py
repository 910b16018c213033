"""Entering a key in the app: where it would be stored, a test call, saving it.

The key screen asks three things of this module, all off the event loop and none able to
hang it (RELIABILITY.md §1, K1–K4):

- `KeyService.storage`: what the keyring is and whether saving into it is safe (a locked
  Secret Service can take minutes to answer: the deadline turns that into a sentence);
- `check_key`: one authenticated call to the gateway (``GET /credits`` on Vercel and
  OpenRouter, ``GET /models`` elsewhere) that says whether the key is accepted;
- `KeyService.save`: into the keyring, or, only when the user explicitly opted in, the 0600
  plaintext file. A failure keeps the key for the session and says why.

The key travels as a `Secret` throughout; messages name its last four characters at most.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from playground.core.errors import AuthError, GatewayError, InsecureTransport, NotFound
from playground.core.profile import Profile
from playground.core.sanitize import safe_line
from playground.core.secret import Secret
from playground.store.key_errors import KeyStoreError
from playground.store.keys import (
    DEFAULT_TIMEOUT_S,
    AsyncKeyStore,
    FileKeyStore,
    KeyStore,
    StoreStatus,
    call_with_timeout,
)
from playground.store.paths import display_path

if TYPE_CHECKING:
    import httpx

TEST_TIMEOUT_S = 20.0
"""How long the test call may take in all."""

SaveTarget = Literal["keyring", "file", "none"]


@dataclass(frozen=True, slots=True)
class Storage:
    """Where a key entered now would be kept."""

    status: StoreStatus | None
    """The keyring's status; None when it did not answer or is switched off."""
    keyring_ok: bool
    """Whether saving into the keyring is possible and safe."""
    summary: str
    """One line for the key screen: the backend named, secure or not, or why not."""
    session_only: str
    """Why the key will last for this session only (empty when the keyring can keep it)."""
    file_path: str
    """The plaintext file an explicit opt-in would write (``~/…/insecure-keys.json``)."""


@dataclass(frozen=True, slots=True)
class KeyTest:
    """The outcome of the test call."""

    ok: bool
    rejected: bool
    """The key cannot be used there: the gateway said no (401/403), or the gateway is plain
    http on another machine and the key would travel unencrypted (K8)."""
    message: str


@dataclass(frozen=True, slots=True)
class SaveResult:
    """What happened to a key the user asked to keep."""

    saved: bool
    where: SaveTarget
    message: str


class KeyService:
    """Keyring status and saving for the key screen.

    Args:
        store: The keyring (or, in tests, any `KeyStore`); None when the keyring is off
            (``--no-keyring``): keys then last for the session.
        file_store: The plaintext file for the explicit opt-in.
        timeout_s: The deadline of every keyring call.
    """

    def __init__(
        self,
        store: KeyStore | None,
        file_store: FileKeyStore,
        *,
        timeout_s: float = DEFAULT_TIMEOUT_S,
    ) -> None:
        self.store = store
        self.file_store = file_store
        self.timeout_s = timeout_s

    async def storage(self, env_var: str | None = None) -> Storage:
        """Ask the keyring what it is (off the loop, with the deadline)."""
        file_path = display_path(self.file_store.path)
        keep = f"set {env_var}" if env_var else "use --api-key-file"
        if self.store is None:
            return Storage(
                None,
                False,
                "System keyring: switched off for this run.",
                f"The key will be used for this session only. To keep it, {keep}.",
                file_path,
            )
        try:
            status = await AsyncKeyStore(self.store, timeout_s=self.timeout_s).status()
        except KeyStoreError as exc:
            summary = "System keyring: " + str(exc)
            return Storage(None, False, summary, _session_only(keep), file_path)
        except Exception as exc:  # a backend that fails to even describe itself
            reason = safe_line(f"{type(exc).__name__}: {exc}", 160)
            return Storage(
                None,
                False,
                f"System keyring: not available ({reason}).",
                _session_only(keep),
                file_path,
            )
        if not status.available:
            return Storage(
                status,
                False,
                f"System keyring: none available ({status.name}: {status.reason}).",
                _session_only(keep),
                file_path,
            )
        if not status.secure:
            return Storage(
                status,
                False,
                f"System keyring: {status.name} stores secrets unencrypted; not used.",
                _session_only(keep),
                file_path,
            )
        if not status.persistent:
            return Storage(
                status,
                True,
                f"System keyring: {status.name} keeps keys for this session only.",
                "",
                file_path,
            )
        return Storage(status, True, f"System keyring: {status.name} (secure).", "", file_path)

    async def save(
        self, origin: str, key: Secret, target: SaveTarget, env_var: str | None = None
    ) -> SaveResult:
        """Keep `key` for `origin` where the user asked; never raises.

        Args:
            origin: The gateway's origin (what the key is bound to).
            key: The key.
            target: ``keyring``, ``file`` (the explicit plaintext opt-in) or ``none``.
            env_var: The profile's key variable, named in the advice of a failure.
        """
        if target == "none":
            return SaveResult(False, "none", "Using the key for this session only.")
        if target == "file":
            try:
                await call_with_timeout(
                    lambda: self.file_store.set(origin, key), self.timeout_s, action="save"
                )
            except KeyStoreError as exc:
                return SaveResult(False, "file", exc.message_for(env_var))
            where = display_path(self.file_store.path)
            return SaveResult(
                True, "file", f"Saved the key ({key.last4}) in plain text to {where} (mode 0600)."
            )
        if self.store is None:
            return SaveResult(False, "keyring", "The keyring is switched off; not saved.")
        try:
            await AsyncKeyStore(self.store, timeout_s=self.timeout_s).set(origin, key)
        except KeyStoreError as exc:
            return SaveResult(False, "keyring", exc.message_for(env_var))
        except Exception as exc:  # anything a backend raises must not leave a traceback
            reason = safe_line(type(exc).__name__, 60)
            return SaveResult(
                False,
                "keyring",
                f"Couldn't save the key: the keyring failed ({reason}). It will be used for "
                "this session only.",
            )
        return SaveResult(True, "keyring", f"Saved the key ({key.last4}) in the system keyring.")


def _session_only(keep: str) -> str:
    return f"The key will be used for this session only. To keep it, {keep}."


async def check_key(
    profile: Profile,
    key: Secret,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    allow_insecure: bool = False,
) -> KeyTest:
    """One authenticated call to `profile`'s gateway with `key`; never raises.

    Vercel and OpenRouter answer ``GET /credits`` only with a valid key; other gateways are
    asked for ``GET /models`` with the key (a server that needs none accepts any).
    """
    import asyncio

    from playground.gateway.client import GatewayClient, RetryPolicy

    host = safe_line(profile.display_host, 80)
    client = GatewayClient(
        profile,
        api_key=key,
        transport=transport,
        allow_insecure=allow_insecure,
        retry=RetryPolicy(max_retries=0),
    )
    try:
        async with asyncio.timeout(TEST_TIMEOUT_S):
            if profile.kind in ("vercel", "openrouter"):
                try:
                    payload = await client.get_json("credits")
                except NotFound:  # a gateway without the route: the catalog still needs auth
                    payload = await client.get_json("models")
            else:
                payload = await client.get_json("models")
    except AuthError as exc:
        return KeyTest(False, True, f"{host} rejected the key ({key.last4}): {exc.message}")
    except InsecureTransport as exc:
        return KeyTest(False, True, exc.message)
    except GatewayError as exc:
        return KeyTest(False, False, f"Couldn't check the key: {exc.message}")
    except TimeoutError:
        return KeyTest(
            False, False, f"Couldn't check the key: {host} did not answer in {TEST_TIMEOUT_S:g} s."
        )
    finally:
        await client.aclose()
    return KeyTest(True, False, f"{host} accepted the key ({key.last4}){_balance(payload)}.")


def _balance(payload: object) -> str:
    if isinstance(payload, dict):
        data = payload.get("data", payload)
        if isinstance(data, dict):
            balance = data.get("balance")
            if isinstance(balance, str | int | float) and not isinstance(balance, bool):
                return f"; balance ${safe_line(str(balance), 20)}"
    return ""


__all__ = ["KeyService", "KeyTest", "SaveResult", "SaveTarget", "Storage", "check_key"]
