"""Key stores: keyring classification, refusals, deadlines and the plaintext file
(RELIABILITY.md §7 K1–K4)."""

from __future__ import annotations

import asyncio
import json
import os
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from playground.core.secret import Secret
from playground.store.keys import (
    SERVICE,
    AsyncKeyStore,
    FileKeyStore,
    KeyFileError,
    KeyringFailed,
    KeyringInsecure,
    KeyringKeyStore,
    KeyringTimeout,
    KeyringUnavailable,
    MemoryKeyStore,
    backend_name,
    describe_backend,
)

from support.keyring_doubles import (
    DbusErrorKeyring,
    ForgetfulKeyring,
    LockedKeyring,
    PlaintextLookalike,
    RefusingKeyring,
    SleepingKeyring,
    chainer_keyring,
    fail_keyring,
    null_keyring,
)
from support.memkeyring import MemoryKeyring

ORIGIN = "https://ai-gateway.vercel.sh"
KEY = Secret("vck_test_key_0123456789abcdef9f2c")


def _chainer(*members: object) -> object:
    """A stand-in for keyring's ChainerBackend (whose member list is a class property)."""

    class ChainerBackend:
        def __init__(self) -> None:
            self.backends = list(members)

    ChainerBackend.__module__ = "keyring.backends.chainer"
    return ChainerBackend()


def test_fail_backend_is_named_and_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    status = describe_backend(fail_keyring())
    assert (status.available, status.secure) == (False, False)
    assert status.name == "keyring.backends.fail.Keyring"
    if sys.platform.startswith("linux"):
        assert status.reason == "no Secret Service on D-Bus"
    assert "not available" in status.summary


@pytest.mark.parametrize(
    ("backend", "reason"),
    [
        (null_keyring(), "null backend"),
        (_chainer(), "no keyring backend to chain"),
    ],
)
def test_null_and_empty_chainer_count_as_no_keyring(backend: object, reason: str) -> None:
    status = describe_backend(backend)
    assert not status.available
    assert reason in status.reason


def test_real_chainer_is_classified_by_its_members() -> None:
    status = describe_backend(chainer_keyring())
    assert status.name == "keyring.backends.chainer.ChainerBackend"


def test_keyrings_alt_backend_is_insecure_and_named_like_the_message() -> None:
    backend = PlaintextLookalike()
    assert backend_name(backend) == "keyrings.alt PlaintextKeyring"
    status = describe_backend(backend)
    assert status.available and not status.secure
    assert "INSECURE" in status.summary


def test_chainer_containing_an_insecure_backend_is_insecure() -> None:
    status = describe_backend(_chainer(MemoryKeyring(), PlaintextLookalike()))
    assert status.available and not status.secure
    assert "keyrings.alt PlaintextKeyring" in status.reason


def test_memory_keyring_round_trip_is_bound_to_the_origin() -> None:
    backend = MemoryKeyring()
    store = KeyringKeyStore(backend)
    store.set(ORIGIN, KEY)
    assert backend.get_password(SERVICE, ORIGIN) == KEY.reveal()
    assert store.get(ORIGIN) == KEY
    assert store.get("https://evil.example") is None
    assert store.get("http://ai-gateway.vercel.sh") is None
    assert store.delete(ORIGIN) is True
    assert store.delete(ORIGIN) is False
    assert store.get(ORIGIN) is None


def test_k1_fail_backend_refuses_to_save_with_the_prescribed_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    store = KeyringKeyStore(fail_keyring())
    assert store.get(ORIGIN) is None  # reading a missing keyring is not an error
    with pytest.raises(KeyringUnavailable) as caught:
        store.set(ORIGIN, KEY)
    expected = (
        "Couldn't save the key: no system keyring is available (no Secret Service on D-Bus). "
        "It will be used for this session only. To keep it, set AI_GATEWAY_API_KEY or "
        "unlock/install a keyring."
    )
    if sys.platform.startswith("linux"):
        assert str(caught.value) == expected
    assert "OPENROUTER_API_KEY" in caught.value.message_for("OPENROUTER_API_KEY")
    assert "set " not in caught.value.message_for(None)


def test_null_backend_would_silently_discard_so_it_is_refused() -> None:
    store = KeyringKeyStore(null_keyring())
    with pytest.raises(KeyringUnavailable, match="null backend"):
        store.set(ORIGIN, KEY)


def test_k2_plaintext_backend_is_refused_unless_allowed() -> None:
    backend = PlaintextLookalike()
    with pytest.raises(KeyringInsecure) as caught:
        KeyringKeyStore(backend).set(ORIGIN, KEY)
    assert str(caught.value) == (
        "Your keyring backend (keyrings.alt PlaintextKeyring) stores secrets unencrypted. "
        "Not saving."
    )
    assert backend.store == {}
    KeyringKeyStore(backend, allow_insecure=True).set(ORIGIN, KEY)
    assert KeyringKeyStore(backend).get(ORIGIN) == KEY  # reading what is there is fine


@pytest.mark.parametrize(
    ("backend", "cause"),
    [
        (LockedKeyring(), "KeyringLocked: Collection is locked"),
        (RefusingKeyring(), "PasswordSetError: Failed to unlock the collection!"),
        (DbusErrorKeyring(), "OSError: org.freedesktop.DBus.Error.ServiceUnknown"),
        (ForgetfulKeyring(), "did not keep the key"),
    ],
)
def test_k4_a_refusing_keyring_gives_a_message_naming_the_cause(
    backend: object, cause: str
) -> None:
    with pytest.raises(KeyringFailed) as caught:
        KeyringKeyStore(backend).set(ORIGIN, KEY)
    message = str(caught.value)
    assert message.startswith("Couldn't save the key: the keyring refused (")
    assert cause in message
    assert message.endswith("It will be used for this session only.")
    assert caught.value.__cause__ is None  # no chained backend exception to print
    assert KEY.reveal() not in message


def test_dbus_error_on_read_is_a_keystore_error() -> None:
    with pytest.raises(KeyringFailed, match="Couldn't read the key"):
        KeyringKeyStore(DbusErrorKeyring()).get(ORIGIN)


async def test_k3_a_hanging_keyring_times_out_and_the_loop_stays_responsive(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PLAYGROUND_TEST_KEYRING_SLEEP", "30")
    store = AsyncKeyStore(KeyringKeyStore(SleepingKeyring()), timeout_s=0.3)
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    task = asyncio.create_task(ticker())
    started = time.monotonic()
    with pytest.raises(KeyringTimeout) as caught:
        await store.set(ORIGIN, KEY)
    elapsed = time.monotonic() - started
    task.cancel()
    assert 0.3 <= elapsed < 5.0
    assert ticks >= 5  # the event loop kept running while the keyring hung
    assert str(caught.value) == (
        "The system keyring didn't answer within 0.3 s (it may be locked). Enter a key for "
        "this session, or unlock it and retry."
    )
    with pytest.raises(KeyringTimeout):
        await store.get(ORIGIN)


def test_default_deadline_is_ten_seconds() -> None:
    assert AsyncKeyStore(MemoryKeyStore()).timeout_s == 10.0
    assert "within 10 s" in str(KeyringTimeout(10.0))


async def test_async_store_passes_results_and_errors_through() -> None:
    store = AsyncKeyStore(KeyringKeyStore(MemoryKeyring()), timeout_s=5)
    await store.set(ORIGIN, KEY)
    assert await store.get(ORIGIN) == KEY
    assert (await store.status()).secure
    assert await store.delete(ORIGIN) is True
    with pytest.raises(KeyringFailed):
        await AsyncKeyStore(KeyringKeyStore(LockedKeyring())).set(ORIGIN, KEY)


def test_a_hung_keyring_thread_does_not_keep_the_process_alive(tmp_path: Path) -> None:
    """With asyncio.to_thread the interpreter would wait for the hung thread at exit."""
    code = textwrap.dedent(
        """
        import asyncio
        from support.keyring_doubles import SleepingKeyring
        from playground.core.secret import Secret
        from playground.store.keys import AsyncKeyStore, KeyringKeyStore, KeyringTimeout

        async def main():
            store = AsyncKeyStore(KeyringKeyStore(SleepingKeyring()), timeout_s=0.2)
            try:
                await store.set("https://a.example", Secret("k" * 20))
            except KeyringTimeout:
                print("timed out")

        asyncio.run(main())
        """
    )
    env = {**os.environ, "PLAYGROUND_TEST_KEYRING_SLEEP": "120"}
    started = time.monotonic()
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
    )
    assert out.stdout.strip() == "timed out", out.stderr
    assert time.monotonic() - started < 30


def test_memory_store_is_secure_but_not_persistent() -> None:
    store = MemoryKeyStore()
    status = store.status()
    assert status.secure and not status.persistent
    store.set(ORIGIN, KEY)
    assert store.get(ORIGIN) == KEY
    assert store.delete(ORIGIN) and not store.delete(ORIGIN)


def test_file_store_writes_0600_and_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "data" / "insecure-keys.json"
    store = FileKeyStore(path)
    assert not store.status().secure
    store.set(ORIGIN, KEY)
    store.set("https://openrouter.ai", Secret("sk-or-v1-" + "a" * 40))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert store.get(ORIGIN) == KEY
    assert store.get("https://evil.example") is None
    assert store.mode_warning is None
    path.chmod(0o644)
    assert store.mode_warning is not None and "0644" in store.mode_warning
    assert store.delete(ORIGIN)
    assert json.loads(path.read_text())["keys"].keys() == {"https://openrouter.ai"}
    assert store.delete("https://openrouter.ai")
    assert not path.exists()


def test_file_store_never_overwrites_a_file_it_cannot_read(tmp_path: Path) -> None:
    path = tmp_path / "insecure-keys.json"
    path.write_text("{not json")
    with pytest.raises(KeyFileError, match="not valid JSON") as caught:
        FileKeyStore(path).set(ORIGIN, KEY)
    assert "left untouched" in str(caught.value)
    assert path.read_text() == "{not json"
